using AssetMeter.Metrology.Periods;

namespace AssetMeter.Firmware.Journal
{
    /// <summary>
    /// Everything the meter needs to carry on after a restart that is not in the closed periods: the open period
    /// and the cumulative registers with their carried fractions, the IC register baseline, counters that must
    /// never repeat (events, pagination, collector commands), the clock's frequency estimate and the calibration
    /// version. Written to flash at the interval the metering loop chooses (see docs/firmware.md).
    /// </summary>
    public sealed class MeterCheckpoint
    {
        /// <summary>Ledger state: open period (with the cumulative registers as its end registers) and UTC time reached.</summary>
        public LedgerCheckpoint Ledger;

        /// <summary>Carried fraction of a µWh of the import register, over <see cref="ScaleDenominator"/>.</summary>
        public long ImportRemainder;

        /// <summary>Carried fraction of a µWh of the export register, over <see cref="ScaleDenominator"/>.</summary>
        public long ExportRemainder;

        /// <summary>Energy scale numerator in force when written (a different scale on restore voids the remainders).</summary>
        public long ScaleNumerator;

        /// <summary>Energy scale denominator in force when written.</summary>
        public long ScaleDenominator;

        /// <summary>True when the accumulating IC register baseline below is valid.</summary>
        public bool HasBaseline;

        /// <summary>Raw accumulating IC register value the next delta is measured from.</summary>
        public int Baseline;

        /// <summary>Highest period index (UTC start ticks / 30 minutes) the collector has acknowledged, or -1.</summary>
        public long AcknowledgedPeriodIndex = -1;

        /// <summary>Sequence number the next event will get.</summary>
        public uint NextEventSequence = 1;

        /// <summary>Lowest pagination number the next signed snapshot (OCMF context T) may use: numbers are never reused.</summary>
        public long NextPagination = 1;

        /// <summary>Sequence number of the last event published to the collector (events after it are sent after a restart).</summary>
        public uint PublishedEventSequence;

        /// <summary>Highest collector command counter accepted (replay protection).</summary>
        public long LastCommandCounter;

        /// <summary>The clock's frequency correction, parts per billion.</summary>
        public long ClockFrequencyPpb;

        /// <summary>Version of the calibration in force.</summary>
        public int CalibrationVersion;

        /// <summary>False while the meter has not yet known UTC since it started (energy is then held in the pending registers).</summary>
        public bool TimeKnown;

        /// <summary>Import energy (µWh) measured while UTC was not known, not yet attributed to a period.</summary>
        public long PendingImportMicrowattHours;

        /// <summary>Export energy (µWh) measured while UTC was not known.</summary>
        public long PendingExportMicrowattHours;

        /// <summary>A deep copy.</summary>
        public MeterCheckpoint Clone()
        {
            return (MeterCheckpoint)MemberwiseClone();
        }
    }
}
