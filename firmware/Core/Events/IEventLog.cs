namespace AssetMeter.Firmware.Events
{
    /// <summary>Where a part of the core logs its events (the metering loop: journaled, numbered and observed).</summary>
    public interface IEventLog
    {
        /// <summary>Logs one event now.</summary>
        void Log(EventCode code, long value1, long value2);
    }
}
