from forum.cli import main

raise SystemExit(main())
