class VoiceMockError(Exception):
    exit_code = 1


class UsageError(VoiceMockError):
    exit_code = 2
