using System.Threading;
using AssetMeter.Firmware.Clock;
using AssetMeter.Hardware.Metering;
using nanoFramework.Hardware.Esp32;

namespace AssetMeter.Firmware.Device
{
    /// <summary>
    /// The meter's monotonic clock and the drivers' clock: ESP-IDF's esp_timer (microseconds since boot, read through
    /// nanoFramework's HighResTimer.GetCurrent) in 100 ns ticks, and Thread.Sleep for waits.
    /// </summary>
    /// <remarks>
    /// <para>Why esp_timer: it is a 64-bit microsecond counter that never goes back and is not touched by SNTP or
    /// Rtc.SetSystemTime, so a step of the system clock cannot reach metering time. The alternative,
    /// Environment.TickCount64, is also monotonic but counts the FreeRTOS tick, 10 ms on nanoFramework's ESP32
    /// builds: an SNTP exchange timed with it would carry up to 10 ms of quantisation on each timestamp, against
    /// 1 µs (plus the interpreter's own call latency, tens of µs) here. The ClockDiscipline, not this class,
    /// corrects the crystal's rate error from SNTP.</para>
    /// <para>The count starts at one second, as the host clocks do, so both shells hand the portable code the same
    /// kind of numbers. 2^63 ticks of 100 ns is 29,000 years: no wrap to handle.</para>
    /// </remarks>
    public sealed class TickClock : IMonotonicClock, IDriverClock
    {
        private const long TicksPerMicrosecond = 10;
        private const long Origin = 10000000;

        /// <summary>100 ns ticks since boot, plus one second.</summary>
        public long Ticks
        {
            get { return Origin + ((long)HighResTimer.GetCurrent() * TicksPerMicrosecond); }
        }

        /// <summary>Same as <see cref="Ticks"/> (the drivers' view).</summary>
        public long MonotonicTicks
        {
            get { return Ticks; }
        }

        /// <summary>Blocks the calling thread at least <paramref name="milliseconds"/>; other managed threads run meanwhile.</summary>
        public void Sleep(int milliseconds)
        {
            Thread.Sleep(milliseconds > 0 ? milliseconds : 0);
        }
    }
}
