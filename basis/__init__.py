"""Technical plumbing every layer may use: the API's error shapes and JSON parser, URL language prefixes.
Imports nothing of ours."""
