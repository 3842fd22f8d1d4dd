using MQTTnet;

namespace AssetMeter.Collector.Engine
{
    /// <summary>
    /// The TCP socket under the collector's MQTTnet clients. MQTTnet sets the socket's receive and send buffers to
    /// its <c>BufferSize</c> (8 KiB unless told), which turns off Linux's buffer autotuning: at a fleet's boundary the
    /// broker fills that window in a few records, and once the window has closed Linux's zero-window probes back off,
    /// so a subscriber with thousands of records queued at the broker was seen receiving a handful a second
    /// (bench/collector, 50,000 meters, mosquitto 2.0.11). A buffer of a few boundaries' records keeps it streaming.
    /// </summary>
    internal static class MqttSocket
    {
        /// <summary>Socket buffer for a subscriber that takes a fleet's records (the kernel caps it at net.core.rmem_max).</summary>
        public const int BufferBytes = 4 * 1024 * 1024;

        public static MqttClientOptions WithLargeBuffers(MqttClientOptions options)
        {
            if (options.ChannelOptions is MqttClientTcpOptions tcp)
            {
                tcp.BufferSize = BufferBytes;
            }

            return options;
        }
    }
}
