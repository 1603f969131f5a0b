import sys

from voice_mock.cli.main import main

# Guarded: `batch` starts worker processes with "spawn", which imports this module again.
if __name__ == "__main__":
    sys.exit(main())
