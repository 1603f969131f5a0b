"""The command line: the only layer that knows all the others, and the only place where errors
become one-line messages and exit codes (main.py).
"""
