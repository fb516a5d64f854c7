"""The trackwell command."""
