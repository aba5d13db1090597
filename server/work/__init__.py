"""Staff (pelaksana): the task inbox, starting SOPs, completing tasks through forms, attachments."""
