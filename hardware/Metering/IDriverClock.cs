namespace AssetMeter.Hardware.Metering
{
    /// <summary>
    /// Time as the shell gives it to the driver: a monotonic tick count and a way to wait. The driver owns no
    /// clock (the same code runs on the ESP32 and the host); the device shell implements this over its tick
    /// counter and Thread.Sleep, the tests over the emulator's simulated time.
    /// </summary>
    public interface IDriverClock
    {
        /// <summary>Monotonic 100 ns ticks (never steps with the UTC clock).</summary>
        long MonotonicTicks { get; }

        /// <summary>Waits at least <paramref name="milliseconds"/> (the chip needs 5 ms after a soft reset).</summary>
        void Sleep(int milliseconds);
    }
}
