"""`python -m newsdesk`: the same as the `newsdesk` command."""

import sys

from newsdesk.bot.cli import command

sys.exit(command())
