using AssetMeter.Firmware.Mqtt;

namespace AssetMeter.Firmware.Device
{
    /// <summary>
    /// The transport of a meter with no usable network settings (no wifi.conf, or TLS files missing): never
    /// connected, so the meter keeps everything in its journal until the settings are fixed and the device restarted.
    /// </summary>
    internal sealed class OfflineTransport : IMqttTransport
    {
        /// <inheritdoc />
        public bool IsConnected
        {
            get { return false; }
        }

        /// <inheritdoc />
        public bool Publish(string topic, byte[] payload, int offset, int count, int qos, bool retain)
        {
            return false;
        }
    }
}
