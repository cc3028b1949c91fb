"""`python -m newsdesk`: the same as the `newsdesk` command."""

import sys

from newsdesk.command import main

sys.exit(main())
