"""Development helpers: not imported by the application, only by the run command and the tests."""
