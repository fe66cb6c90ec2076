from ccq.cli import main

raise SystemExit(main())
