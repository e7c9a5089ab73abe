"""Run the command line as ``python -m dupecheck``."""

from dupecheck.cli import main

if __name__ == "__main__":
    main()
