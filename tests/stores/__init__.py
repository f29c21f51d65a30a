"""Real triple stores for the integration tests: each started on 127.0.0.1 on a free port, in a
temporary directory, and stopped in teardown."""
