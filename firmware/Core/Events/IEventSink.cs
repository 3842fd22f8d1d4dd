namespace AssetMeter.Firmware.Events
{
    /// <summary>Receives events as they are logged (the journal, the publisher, a console in the virtual meter).</summary>
    public interface IEventSink
    {
        /// <summary>Called once for every event, in sequence order.</summary>
        void OnEvent(MeterEvent meterEvent);
    }
}
