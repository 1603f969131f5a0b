import sys

from voice_mock.cli.main import main

sys.exit(main())
