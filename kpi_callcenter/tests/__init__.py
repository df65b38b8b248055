from . import test_engine
from . import test_measures
from . import test_scorecard
from . import test_access
from . import test_payout
