"""Models of the responses app, one module per concern (cases, replies, digests, customers)."""

from responses.models.api_tokens import *  # noqa: F403
from responses.models.cases import *  # noqa: F403
from responses.models.customers import *  # noqa: F403
from responses.models.digests import *  # noqa: F403
from responses.models.incidents import *  # noqa: F403
from responses.models.notify import *  # noqa: F403
from responses.models.platform_posts import *  # noqa: F403
from responses.models.replies import *  # noqa: F403
