using System;
using AssetMeter.Firmware.Clock;
using AssetMeter.Firmware.Metering;
using nanoFramework.Runtime.Native;

namespace AssetMeter.Firmware.Device
{
    /// <summary>
    /// Sets the ESP32's system clock (DateTime.UtcNow) from the meter's disciplined clock when they disagree by more
    /// than two seconds, once a minute, on the metering thread.
    /// </summary>
    /// <remarks>
    /// Metering never reads the system clock. TLS does: mbedTLS checks certificate validity dates against it, and it
    /// starts at 1970. nanoFramework's own SNTP client sets it when pool.ntp.org is reachable; on networks that allow
    /// only the configured NTP servers, this is what sets it. Rtc.SetSystemTime takes whole seconds, hence the
    /// two-second tolerance (no tug of war with the firmware's client, which uses the same kind of source).
    /// </remarks>
    internal sealed class SystemClockFollower
    {
        private const long CheckTicks = 60 * 10000000L;
        private const long ToleranceTicks = 2 * 10000000L;

        private readonly MeteringLoop _loop;
        private readonly IMonotonicClock _monotonic;
        private long _lastCheck = long.MinValue;

        public SystemClockFollower(MeteringLoop loop, IMonotonicClock monotonic)
        {
            _loop = loop;
            _monotonic = monotonic;
        }

        /// <summary>Called after each tick, on the metering thread (the meter's clock is read there only); never throws.</summary>
        public void Check()
        {
            long now = _monotonic.Ticks;
            if (_lastCheck != long.MinValue && now - _lastCheck < CheckTicks)
            {
                return;
            }

            _lastCheck = now;
            if (_loop.Clock.Quality(now) != ClockQuality.Synchronised)
            {
                return;
            }

            long utc = _loop.UtcNow();
            long difference = DateTime.UtcNow.Ticks - utc;
            if (utc != 0 && (difference > ToleranceTicks || difference < -ToleranceTicks))
            {
                try
                {
                    Rtc.SetSystemTime(new DateTime(utc));
                    Log.Write("System clock set from the meter's clock (it was " + (difference / 10000000).ToString() + " s off)");
                }
                catch (Exception e)
                {
                    // Only TLS depends on it; metering does not. Tried again at the next check.
                    Log.Write("System clock could not be set: " + e.Message);
                }
            }
        }
    }
}
