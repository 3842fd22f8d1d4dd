namespace AssetMeter.Firmware.Mqtt
{
    /// <summary>
    /// The MQTT client as the meter application sees it. The shells implement it: nanoFramework.M2Mqtt on the device
    /// (MQTT 3.1.1 or 5, TLS with client certificates), MQTTnet on the host. The implementation connects with a
    /// last will on the status topic, subscribes to the command topic, reconnects by itself, and hands incoming
    /// messages to <see cref="MeterApplication.OnMessage"/>.
    /// </summary>
    public interface IMqttTransport
    {
        /// <summary>True while connected to the broker.</summary>
        bool IsConnected { get; }

        /// <summary>
        /// Queues a message for the broker; false when not connected or the client refused it (the caller keeps the
        /// data and tries again later). QoS 1 messages are retried by the client until the broker acknowledges them.
        /// </summary>
        bool Publish(string topic, byte[] payload, int offset, int count, int qos, bool retain);
    }
}
