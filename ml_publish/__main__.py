import sys

from ml_publish.cli import main

sys.exit(main())
