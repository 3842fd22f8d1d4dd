namespace AssetMeter.Hardware.Atecc608
{
    /// <summary>
    /// Outcome of an <see cref="Atecc608"/> operation. The driver never throws for a bus or chip fault: it returns
    /// one of these, and <see cref="Atecc608.LastChipStatus"/> and <see cref="Atecc608.LastBusStatus"/> keep the raw
    /// details for the event log.
    /// </summary>
    public enum Atecc608Status
    {
        /// <summary>Done; for <see cref="Atecc608.Verify"/>, the signature is valid.</summary>
        Ok = 0,

        /// <summary>Verify: the chip checked the signature and it does not match (chip status 0x01).</summary>
        SignatureInvalid = 1,

        /// <summary>The chip rejected the command's length, opcode or parameters (chip status 0x03).</summary>
        ParseError = 2,

        /// <summary>An ECC computation failed inside the chip (chip status 0x05); retrying with new input may succeed.</summary>
        EccFault = 3,

        /// <summary>The chip is in self-test failure mode (chip status 0x07, or the wake response 04 07 C4 40).</summary>
        SelfTestFailed = 4,

        /// <summary>The chip's random number generator failed its health test (chip status 0x08).</summary>
        HealthTestFailed = 5,

        /// <summary>
        /// The chip cannot execute the command in its present state (chip status 0x0F): the slot's configuration
        /// forbids it, the key is missing or locked, or the message was not loaded.
        /// </summary>
        ExecutionError = 6,

        /// <summary>The chip's watchdog was about to expire (chip status 0xEE), even after a fresh wake.</summary>
        WatchdogExpired = 7,

        /// <summary>The chip received a damaged command (chip status 0xFF: CRC or other communication error), twice.</summary>
        CommandCorrupted = 8,

        /// <summary>The response failed its CRC or had an impossible length, twice.</summary>
        ResponseCorrupted = 9,

        /// <summary>A bus transfer failed (NACK, timeout, platform error); <see cref="Atecc608.LastBusStatus"/> says which.</summary>
        BusError = 10,

        /// <summary>The chip did not answer a wake with the wake response 04 11 33 43, twice.</summary>
        WakeFailed = 11,

        /// <summary>The chip was still busy after the longest execution time of the command.</summary>
        Timeout = 12,

        /// <summary>A well-formed response of the wrong kind or length, or a status byte the driver does not know.</summary>
        UnexpectedResponse = 13,
    }
}
