namespace AssetMeter.Firmware.Configuration
{
    /// <summary>Which metering IC the board carries.</summary>
    public enum IcKind
    {
        /// <summary>Analog Devices ADE7953, single phase, I2C.</summary>
        Ade7953 = 1,

        /// <summary>Microchip ATM90E32AS, three phase, SPI.</summary>
        Atm90e32 = 2,
    }

    /// <summary>How the meter signs its records.</summary>
    public enum SigningKind
    {
        /// <summary>ECDSA P-256 in an ATECC608 secure element: the private key never leaves it.</summary>
        Atecc608 = 1,

        /// <summary>HMAC-SHA256 with a per-meter key held in the configuration: the weaker option.</summary>
        Hmac = 2,
    }

    /// <summary>
    /// The meter's configuration: identity, AMSIDs, IC, network, time servers, keys and calibration. Read by
    /// <see cref="ConfigurationReader"/> from a text file with an integrity check; nothing here has an invented
    /// default: a missing setting is an error.
    /// </summary>
    public sealed class MeterConfiguration
    {
        /// <summary>Meter serial / device identifier (OCMF meter serial, MQTT client id, topic segment).</summary>
        public string DeviceId;

        /// <summary>Asset Metering System ID for active energy import.</summary>
        public string AmsidImport;

        /// <summary>AMSID for active energy export, or null when the asset has none ("none" in the file).</summary>
        public string AmsidExport;

        /// <summary>The IC fitted.</summary>
        public IcKind Ic;

        /// <summary>The asset's maximum demand, watts (at most 100,000 for Type 5).</summary>
        public long MaximumDemandWatts;

        /// <summary>MQTT broker host name or address.</summary>
        public string BrokerHost;

        /// <summary>MQTT broker port.</summary>
        public int BrokerPort;

        /// <summary>True to use TLS to the broker.</summary>
        public bool BrokerTls;

        /// <summary>With TLS: file (PEM) of the certificate authority that signed the broker's certificate.</summary>
        public string BrokerCaFile;

        /// <summary>With TLS: file (PEM) of the meter's client certificate, or null when the broker needs none.</summary>
        public string BrokerClientCertificateFile;

        /// <summary>With TLS: file (PEM) of the private key of the client certificate, or null.</summary>
        public string BrokerClientKeyFile;

        /// <summary>SNTP servers, in order of preference (at least one).</summary>
        public string[] NtpServers;

        /// <summary>How records are signed.</summary>
        public SigningKind Signing;

        /// <summary>HMAC key (at least 32 bytes) when <see cref="Signing"/> is Hmac; otherwise null.</summary>
        public byte[] HmacKey;

        /// <summary>I2C address of the ATECC608 when <see cref="Signing"/> is Atecc608.</summary>
        public int Atecc608Address;

        /// <summary>Public keys (uncompressed P-256 points, 65 bytes) of the collectors allowed to send commands.</summary>
        public byte[][] CollectorKeys;

        /// <summary>Seconds between operational metering messages (1 to 60), or 0 when the stream is off.</summary>
        public int OperationalIntervalSeconds;

        /// <summary>Key (at least 32 bytes) of the operational stream's HMAC when it is on; otherwise null.</summary>
        public byte[] OperationalKey;

        /// <summary>Stored calibration record of the IC (see CalibrationRecord), or null for the nominal calibration.</summary>
        public byte[] Calibration;
    }
}
