"""Entry script of the standalone bundle: the same as the `rls-companion` command."""

from rls_companion.cli import main

raise SystemExit(main())
