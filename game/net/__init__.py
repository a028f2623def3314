"""Network play (issue 11): one host owns the game, a client for each seat. Nothing here is imported by
the engine; the engine knows actions and views, this package knows sockets.

- ``protocol``: the versioned JSON messages and their strict parsing (docs/network.md)
- ``seat_view``: what a seat may see, as the host sends it
- ``scenario_text``: the scenario as one self-contained YAML text, read back through the safe loader
- ``host``: ``GameHost``, the websockets server around one ``Game`` in simultaneous turns
- ``host_save``: the host's autosave (the game's save plus the seats' secret hashes and the join code)
- ``client``: ``SeatClient``, a synchronous client for a frame loop
- ``ai_seat`` / ``ai_client``: the computer playing a seat (host-side or as a client)
- ``windows``: the hooks where the interface opens the host and client windows
- ``latency``: how fast a resolved turn reaches six clients (bench and tests)
"""
