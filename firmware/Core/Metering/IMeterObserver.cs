using AssetMeter.Firmware.Events;
using AssetMeter.Metrology.Periods;

namespace AssetMeter.Firmware.Metering
{
    /// <summary>
    /// Told what the metering loop has done, on the loop's thread, after it is safely on flash: the publisher
    /// (records over MQTT), a console in the virtual meter, tests.
    /// </summary>
    public interface IMeterObserver
    {
        /// <summary>A period closed and was journaled (or its journal write failed and will be retried).</summary>
        void OnPeriodClosed(HalfHourPeriod period);

        /// <summary>An event was logged.</summary>
        void OnEvent(MeterEvent meterEvent);
    }
}
