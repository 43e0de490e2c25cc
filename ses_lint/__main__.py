from ses_lint.cli import main

raise SystemExit(main())
