# Crash safety: the node killed at random moments, and on a full disk.
