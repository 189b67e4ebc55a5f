"""Placeholder replaced below."""
def add_commands(commands):
    pass
