namespace AssetMeter.Firmware.Device
{
    /// <summary>
    /// Where the meter's files live on the internal flash drive I: (LittleFS; nanoFramework's ESP32 images register
    /// exactly this one internal volume). docs/flashing.md explains how each file gets there.
    /// </summary>
    internal static class DevicePaths
    {
        /// <summary>The meter configuration (format: ConfigurationReader; sealed with its CRC-32).</summary>
        public const string MeterConfiguration = @"I:\meter.conf";

        /// <summary>The Wi-Fi network to join (format: WifiConfigurationReader, sealed like meter.conf).</summary>
        public const string WifiConfiguration = @"I:\wifi.conf";

        /// <summary>The journal's directory (created at first start).</summary>
        public const string Journal = @"I:\journal";

        /// <summary>The CA certificate the broker's certificate must chain to (PEM), when broker_tls = true.</summary>
        public const string CaCertificate = @"I:\ca.pem";

        /// <summary>The meter's client certificate (PEM), optional.</summary>
        public const string ClientCertificate = @"I:\client.pem";

        /// <summary>The client certificate's private key (unencrypted PEM), required with the certificate.</summary>
        public const string ClientKey = @"I:\client.key";

        /// <summary>Largest file the shell reads whole (configuration, credentials, certificates).</summary>
        public const int MaximumFileBytes = 16384;
    }
}
