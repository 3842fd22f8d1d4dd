namespace AssetMeter.Firmware.Clock
{
    /// <summary>
    /// A battery-backed real-time clock on the board (DS3231): a time source that keeps running through a power cut,
    /// to a stated frequency tolerance and a read resolution of one second. The meter never trusts it beyond that bound
    /// (see <see cref="RtcHoldover"/>). On Linux an adapter over dotnet/iot's Iot.Device.Rtc.Ds3231 implements it; on the
    /// ESP32, one over nanoFramework.IoT.Device's binding of the same name; in tests, the real dotnet/iot driver over a
    /// register-map emulator.
    /// </summary>
    /// <remarks>The RTC holds UTC (it has no time zone). Implementations report a failed bus transfer with false, never by throwing.</remarks>
    public interface IRealTimeClock
    {
        /// <summary>The chip's stated frequency tolerance, ppm, over its rated temperature range (DS3231: ±2 ppm, 0 to 40 °C).</summary>
        int TolerancePpm { get; }

        /// <summary>
        /// Reads the time, whole seconds as DateTime ticks (UTC), and the oscillator-stop flag (set by the chip when its
        /// oscillator stopped, e.g. a flat backup battery during a power cut: the time is then worthless). False if the
        /// chip did not answer or returned a time that is not a calendar date.
        /// </summary>
        bool Read(out long utcTicks, out bool oscillatorStopped);

        /// <summary>
        /// Writes <paramref name="utcTicks"/> (a whole second) and clears the oscillator-stop flag. Writing the seconds
        /// register restarts the chip's one-second countdown, so the chip reads that second from the moment of the write.
        /// </summary>
        bool Set(long utcTicks);

        /// <summary>Reads the aging offset (a signed trim of the oscillator: positive slows it, about 0.1 ppm per step).</summary>
        bool ReadAgingOffset(out int offset);

        /// <summary>Writes the aging offset, -128 to 127.</summary>
        bool WriteAgingOffset(int offset);
    }
}
