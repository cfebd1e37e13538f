"""The two Rich consoles every command prints through.

``soft_wrap`` keeps one message on one line whatever the terminal width, so a
long path never splits a sentence that a script or a person greps for; tables
still fit themselves to the width.
"""

from rich.console import Console

console = Console(soft_wrap=True)
err = Console(stderr=True, soft_wrap=True)
