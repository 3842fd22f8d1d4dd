namespace AssetMeter.Firmware.Records
{
    /// <summary>Who the records come from: the meter serial and AMSIDs, and what produced them.</summary>
    public sealed class MeterIdentity
    {
        /// <summary>Vendor name in records (OCMF MV).</summary>
        public const string Vendor = "AssetMeter";

        /// <summary>Creates an identity.</summary>
        /// <param name="serial">Meter serial (OCMF MS and GS): the device id of the configuration.</param>
        /// <param name="model">Meter model (OCMF MM), e.g. "AM-T5-ADE7953".</param>
        /// <param name="firmwareVersion">Firmware version (OCMF MF and GV).</param>
        /// <param name="amsidImport">AMSID for active import.</param>
        /// <param name="amsidExport">AMSID for active export, or null.</param>
        public MeterIdentity(string serial, string model, string firmwareVersion, string amsidImport, string amsidExport)
        {
            Serial = serial;
            Model = model;
            FirmwareVersion = firmwareVersion;
            AmsidImport = amsidImport;
            AmsidExport = amsidExport;
        }

        /// <summary>Meter serial.</summary>
        public string Serial { get; }

        /// <summary>Meter model.</summary>
        public string Model { get; }

        /// <summary>Firmware version.</summary>
        public string FirmwareVersion { get; }

        /// <summary>AMSID for active import.</summary>
        public string AmsidImport { get; }

        /// <summary>AMSID for active export, or null.</summary>
        public string AmsidExport { get; }
    }
}
