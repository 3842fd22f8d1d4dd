using AssetMeter.Hardware.Bus;

namespace AssetMeter.Hardware.Atecc608
{
    /// <summary>
    /// Produces the ATECC608 wake condition: SDA held low for at least tWLO = 60 µs, then released. A sleeping
    /// chip ignores everything else on the bus, including its own address, so a plain I2C write to it cannot wake it.
    /// </summary>
    /// <remarks>
    /// Implementations: <see cref="GeneralCallWake"/> (a write to the general-call address 0x00 at 100 kHz, whose
    /// address byte keeps SDA low for eight bit times, 80 µs; what CryptoAuthLib does), or a shell-specific one that
    /// drives the SDA pin low as a GPIO for about 100 µs (what Espressif's provisioning firmware does). The driver
    /// waits tWHI (1.5 ms) itself and then checks the wake response, so the pulse's own status is only logged.
    /// </remarks>
    public interface IAtecc608Wake
    {
        /// <summary>Sends the wake pulse; returns the bus outcome (for the log: a general call is normally not acknowledged).</summary>
        BusStatus SendWakePulse();
    }
}
