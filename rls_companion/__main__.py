from rls_companion.cli import main

raise SystemExit(main())
