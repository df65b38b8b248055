from . import portal
from . import portal_governance
from . import api
