from clerc_tui.cli import main

raise SystemExit(main())
