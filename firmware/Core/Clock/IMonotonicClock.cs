namespace AssetMeter.Firmware.Clock
{
    /// <summary>
    /// A counter of 100 ns ticks since start-up that never goes back and is not affected by clock setting: the
    /// ESP32's esp_timer (nanoFramework HighResTimer.GetCurrent, µs) on the device, Stopwatch on the host, or a
    /// simulated counter for accelerated runs.
    /// </summary>
    public interface IMonotonicClock
    {
        /// <summary>Ticks since start-up.</summary>
        long Ticks { get; }
    }
}
