using AssetMeter.Metrology.Periods;

namespace AssetMeter.Firmware.Records
{
    /// <summary>
    /// Builds the signed records the meter publishes, in the Open Charge Metering Format (OCMF): one record per
    /// closed half-hour period (fiscal pagination F, numbered by the period's index so it is dense and never
    /// reused) and one per register snapshot (pagination T, from its own counter). The payload is rendered byte by
    /// byte in a fixed order, signed as rendered, and sent as rendered: nothing re-renders it. See docs/records.md.
    /// </summary>
    public sealed class OcmfRecordBuilder
    {
        /// <summary>OCMF format version claimed (1.3 is the newest the S.A.F.E. Transparenzsoftware accepts).</summary>
        public const string FormatVersion = "1.3";

        /// <summary>OBIS code of the active import register (1-0:1.8.0*255), as OCMF writes it.</summary>
        public const string ObisImport = "01-00:01.08.00*FF";

        /// <summary>OBIS code of the active export register (1-0:2.8.0*255).</summary>
        public const string ObisExport = "01-00:02.08.00*FF";

        /// <summary>Largest record produced.</summary>
        public const int MaximumRecordLength = 1400;

        private readonly MeterIdentity _identity;
        private readonly IRecordSigner _signer;
        private readonly byte[] _payload = new byte[1000];
        private readonly byte[] _record = new byte[MaximumRecordLength];
        private readonly byte[] _signature = new byte[128];
        private readonly AsciiWriter _payloadWriter;
        private readonly AsciiWriter _recordWriter;

        /// <summary>Creates a builder for one meter.</summary>
        public OcmfRecordBuilder(MeterIdentity identity, IRecordSigner signer)
        {
            _identity = identity;
            _signer = signer;
            _payloadWriter = new AsciiWriter(_payload);
            _recordWriter = new AsciiWriter(_record);
        }

        /// <summary>The record built last (valid up to <see cref="RecordLength"/>).</summary>
        public byte[] Record
        {
            get { return _record; }
        }

        /// <summary>Length of the record built last.</summary>
        public int RecordLength
        {
            get { return _recordWriter.Length; }
        }

        /// <summary>Builds the record of a closed period; false if it could not be signed.</summary>
        public bool BuildPeriod(HalfHourPeriod period)
        {
            AsciiWriter w = _payloadWriter;
            w.Reset();
            long index = period.StartTicks / UtcPeriods.TicksPerPeriod;
            Header(w, 'F', index);
            char time = TimeStatus(period.Flags);
            string errors = ErrorFlags(period.Flags);
            char status = MeterStatus(period.Flags);
            w.Raw("\"RD\":[");
            Reading(w, period.StartTicks, time, period.ImportStartMicrowattHours, ObisImport, errors, status);
            w.Char(',');
            ReadingTimeAndValue(w, period.EndTicks, time, period.ImportEndMicrowattHours);
            w.Char(',');
            ReadingTimeValueAndObis(w, period.StartTicks, time, period.ExportStartMicrowattHours, ObisExport);
            w.Char(',');
            ReadingTimeAndValue(w, period.EndTicks, time, period.ExportEndMicrowattHours);
            w.Raw("],\"XK\":\"HH\",\"XF\":");
            w.Integer((long)period.Flags);
            Amsids(w);
            w.Char('}');
            return Finish();
        }

        /// <summary>
        /// Builds a register snapshot: the cumulative registers at <paramref name="utcTicks"/>, numbered
        /// <paramref name="pagination"/> in the T context.
        /// </summary>
        public bool BuildSnapshot(long utcTicks, char timeStatus, long importMicrowattHours, long exportMicrowattHours, PeriodFlags openPeriodFlags, long pagination)
        {
            AsciiWriter w = _payloadWriter;
            w.Reset();
            Header(w, 'T', pagination);

            // The T context carries the user-assignment group; a meter reading on demand has no user.
            w.Raw("\"IS\":false,\"IT\":\"NONE\",");
            w.Raw("\"RD\":[");
            Reading(w, utcTicks, timeStatus, importMicrowattHours, ObisImport, ErrorFlags(openPeriodFlags), MeterStatus(openPeriodFlags));
            w.Char(',');
            ReadingTimeValueAndObis(w, utcTicks, timeStatus, exportMicrowattHours, ObisExport);
            w.Raw("],\"XK\":\"SN\",\"XF\":");
            w.Integer((long)openPeriodFlags);
            Amsids(w);
            w.Char('}');
            return Finish();
        }

        /// <summary>OCMF time status of a period: U when the clock was not synchronised for some of it.</summary>
        public static char TimeStatus(PeriodFlags flags)
        {
            return (flags & PeriodFlags.ClockUnsynchronised) != 0 ? 'U' : 'S';
        }

        /// <summary>OCMF error flags: E when energy may be incomplete or wrong, t when the time may be.</summary>
        public static string ErrorFlags(PeriodFlags flags)
        {
            bool energy = (flags & (PeriodFlags.IcFault | PeriodFlags.PowerLost)) != 0;
            bool time = (flags & (PeriodFlags.ClockUnsynchronised | PeriodFlags.ClockAdjusted)) != 0;
            return energy ? (time ? "Et" : "E") : (time ? "t" : string.Empty);
        }

        /// <summary>OCMF meter status: F (read error) when the IC misbehaved, otherwise G.</summary>
        public static char MeterStatus(PeriodFlags flags)
        {
            return (flags & PeriodFlags.IcFault) != 0 ? 'F' : 'G';
        }

        private void Header(AsciiWriter w, char context, long pagination)
        {
            w.Raw("{\"FV\":\"");
            w.Raw(FormatVersion);
            w.Raw("\",\"GI\":\"AssetMeter CoP11 Type 5\",\"GS\":");
            w.JsonString(_identity.Serial);
            w.Raw(",\"GV\":");
            w.JsonString(_identity.FirmwareVersion);
            w.Raw(",\"PG\":\"");
            w.Char(context);
            w.Integer(pagination);
            w.Raw("\",\"MV\":\"");
            w.Raw(MeterIdentity.Vendor);
            w.Raw("\",\"MM\":");
            w.JsonString(_identity.Model);
            w.Raw(",\"MS\":");
            w.JsonString(_identity.Serial);
            w.Raw(",\"MF\":");
            w.JsonString(_identity.FirmwareVersion);
            w.Char(',');
        }

        private static void Reading(AsciiWriter w, long ticks, char time, long microwattHours, string obis, string errors, char status)
        {
            w.Raw("{\"TM\":\"");
            OcmfTime.Write(w, ticks, time);
            w.Raw("\",\"RV\":");
            w.WattHours(microwattHours);
            w.Raw(",\"RI\":\"");
            w.Raw(obis);
            w.Raw("\",\"RU\":\"Wh\",\"RT\":\"AC\",\"EF\":\"");
            w.Raw(errors);
            w.Raw("\",\"ST\":\"");
            w.Char(status);
            w.Raw("\"}");
        }

        // Later readings omit every field equal to the previous reading's, as OCMF requires.
        private static void ReadingTimeAndValue(AsciiWriter w, long ticks, char time, long microwattHours)
        {
            w.Raw("{\"TM\":\"");
            OcmfTime.Write(w, ticks, time);
            w.Raw("\",\"RV\":");
            w.WattHours(microwattHours);
            w.Char('}');
        }

        private static void ReadingTimeValueAndObis(AsciiWriter w, long ticks, char time, long microwattHours, string obis)
        {
            w.Raw("{\"TM\":\"");
            OcmfTime.Write(w, ticks, time);
            w.Raw("\",\"RV\":");
            w.WattHours(microwattHours);
            w.Raw(",\"RI\":\"");
            w.Raw(obis);
            w.Raw("\"}");
        }

        private void Amsids(AsciiWriter w)
        {
            w.Raw(",\"XI\":");
            w.JsonString(_identity.AmsidImport);
            if (_identity.AmsidExport != null)
            {
                w.Raw(",\"XE\":");
                w.JsonString(_identity.AmsidExport);
            }
        }

        private bool Finish()
        {
            if (_payloadWriter.Overflowed)
            {
                return false;
            }

            int signatureLength = _signer.Sign(_payload, 0, _payloadWriter.Length, _signature);
            if (signatureLength < 0)
            {
                return false;
            }

            AsciiWriter r = _recordWriter;
            r.Reset();
            r.Raw("OCMF|");
            r.Bytes(_payload, 0, _payloadWriter.Length);
            r.Raw("|{\"SA\":\"");
            r.Raw(_signer.Algorithm);
            r.Raw("\",\"SE\":\"hex\",\"SM\":\"");
            r.Raw(_signer.MimeType);
            r.Raw("\",\"SD\":\"");
            r.HexBytes(_signature, 0, signatureLength);
            r.Raw("\"}");
            return !r.Overflowed;
        }
    }
}
