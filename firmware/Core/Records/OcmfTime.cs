namespace AssetMeter.Firmware.Records
{
    /// <summary>OCMF reading times: <c>2026-11-23T10:30:00,000+0000 S</c> (ISO 8601 with milliseconds, UTC, then the time status).</summary>
    public static class OcmfTime
    {
        /// <summary>Appends the OCMF time of <paramref name="utcTicks"/> with status letter <paramref name="status"/> (U, I, S or R).</summary>
        public static void Write(AsciiWriter writer, long utcTicks, char status)
        {
            writer.DateTimeMilliseconds(utcTicks, ',');
            writer.Raw("+0000 ");
            writer.Char(status);
        }
    }
}
