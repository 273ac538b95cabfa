"""The public event feed and webhooks: what outsiders may see of the log, and its delivery."""
