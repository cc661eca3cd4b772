#!/usr/bin/env python
"""Same as the installed ``dangvu`` command, for those used to manage.py."""

from dangvu.__main__ import main

if __name__ == "__main__":
    main()
