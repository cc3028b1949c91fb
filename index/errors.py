"""The base of the errors a user can fix: the console reports each in one line."""


class UserError(Exception):
    """A problem with what the user gave or has (a config file, an empty archive, an
    eval set), said in one line that names it."""
