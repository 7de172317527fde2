"""`python -m python_udfs.report [database] [output]`: write the HTML report of a built DuckDB file."""

import sys

from python_udfs.report.page import main

sys.exit(main())
