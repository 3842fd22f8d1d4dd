namespace AssetMeter.Firmware.Configuration
{
    /// <summary>
    /// The Wi-Fi network the ESP32 joins, read by <see cref="WifiConfigurationReader"/>. No default: a device
    /// without valid credentials does not guess a network.
    /// </summary>
    public sealed class WifiCredentials
    {
        /// <summary>Network name (1 to 32 characters).</summary>
        public string Ssid;

        /// <summary>WPA/WPA2 passphrase (8 to 63 characters) or 64-hex-digit key; empty for an open network.</summary>
        public string Password;
    }
}
