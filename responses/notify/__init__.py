"""Telling other tools what happened: events (events.py) fanned out (fanout.py) to owners'
signed webhooks (webhooks.py) and to Apprise notification channels (channels.py, routing.py).
The receivers in responses/receivers/notify.py and the case, breach, reply and incident paths
record the events; tasks.py delivers them."""
