"""Runs inside the user's training process: Run, Config, Summary, Settings, login, the local run log,
the processor and uploader threads, local-server discovery. Imports schema and data_types; never
server, store or service.
"""
