"""The anonymity rules every layer relies on (DOMAIN.md): scrubbing and hour truncation, the daily client
hash, the intake middleware that drops addresses and identifying headers, the log filter, and the
per-client hour counters. On the floor: it imports no app of ours, every app may import it."""
