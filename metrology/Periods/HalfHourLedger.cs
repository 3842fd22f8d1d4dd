using System;
using AssetMeter.Metrology.Arithmetic;

namespace AssetMeter.Metrology.Periods
{
    /// <summary>
    /// The UTC half-hour ledger: takes energy measured over intervals of UTC time and closes each half-hour
    /// period at its boundary, exact to the tick, apportioning an interval that spans a boundary by time.
    /// </summary>
    /// <remarks>
    /// <para>Energy is in microwatt-hours and is never lost: every µWh recorded lands in exactly one period, and
    /// each period's end registers are the next period's start registers.</para>
    /// <para>Time only moves forward inside the ledger. If the clock is stepped back, the open period stays open
    /// (and keeps collecting energy) until the clock passes the ledger's time again; if it is stepped forward,
    /// the periods skipped are closed empty. Both flag <see cref="PeriodFlags.ClockAdjusted"/>.</para>
    /// <para>The ledger allocates nothing: periods are structs handed to the <see cref="IPeriodSink"/>.</para>
    /// </remarks>
    public sealed class HalfHourLedger
    {
        private readonly IPeriodSink _sink;
        private bool _started;
        private long _lastTicks;
        private HalfHourPeriod _open;

        /// <summary>Creates a ledger that hands closed periods to <paramref name="sink"/>.</summary>
        public HalfHourLedger(IPeriodSink sink)
        {
            if (sink == null)
            {
                throw new ArgumentNullException("sink");
            }

            _sink = sink;
        }

        /// <summary>True once <see cref="Start"/> or <see cref="Restore"/> has been called.</summary>
        public bool IsStarted
        {
            get { return _started; }
        }

        /// <summary>The UTC time (ticks) up to which energy has been attributed.</summary>
        public long LastTicks
        {
            get { return _lastTicks; }
        }

        /// <summary>The period now open, with its energy so far.</summary>
        public HalfHourPeriod OpenPeriod
        {
            get { return _open; }
        }

        /// <summary>The cumulative import register, µWh.</summary>
        public long ImportMicrowattHours
        {
            get { return _open.ImportEndMicrowattHours; }
        }

        /// <summary>The cumulative export register, µWh.</summary>
        public long ExportMicrowattHours
        {
            get { return _open.ExportEndMicrowattHours; }
        }

        /// <summary>Everything needed to carry on after a restart.</summary>
        public LedgerCheckpoint Checkpoint
        {
            get
            {
                LedgerCheckpoint checkpoint = new LedgerCheckpoint();
                checkpoint.LastTicks = _lastTicks;
                checkpoint.Open = _open;
                return checkpoint;
            }
        }

        /// <summary>
        /// Starts metering at <paramref name="utcTicks"/> with the given cumulative registers. The period it
        /// falls in is flagged <see cref="PeriodFlags.Partial"/> unless the start is exactly on its boundary.
        /// </summary>
        public void Start(long utcTicks, long importMicrowattHours, long exportMicrowattHours, PeriodFlags flags)
        {
            if (_started)
            {
                throw new InvalidOperationException("the ledger has already started");
            }

            if (importMicrowattHours < 0 || exportMicrowattHours < 0)
            {
                throw new ArgumentOutOfRangeException("importMicrowattHours", "cumulative registers are never negative");
            }

            if (!UtcPeriods.IsBoundary(utcTicks))
            {
                flags |= PeriodFlags.Partial;
            }

            Open(UtcPeriods.PeriodStart(utcTicks), importMicrowattHours, exportMicrowattHours, flags);
            _lastTicks = utcTicks;
            _started = true;
        }

        /// <summary>Restores the ledger exactly as a checkpoint left it.</summary>
        /// <exception cref="ArgumentException">The checkpoint is inconsistent.</exception>
        public void Restore(LedgerCheckpoint checkpoint)
        {
            if (_started)
            {
                throw new InvalidOperationException("the ledger has already started");
            }

            HalfHourPeriod open = checkpoint.Open;
            if (!UtcPeriods.IsBoundary(open.StartTicks)
                || checkpoint.LastTicks < open.StartTicks || checkpoint.LastTicks >= open.EndTicks
                || open.ImportStartMicrowattHours < 0 || open.ExportStartMicrowattHours < 0
                || open.ImportEndMicrowattHours < open.ImportStartMicrowattHours
                || open.ExportEndMicrowattHours < open.ExportStartMicrowattHours)
            {
                throw new ArgumentException("inconsistent ledger checkpoint", "checkpoint");
            }

            _open = open;
            _lastTicks = checkpoint.LastTicks;
            _started = true;
        }

        /// <summary>
        /// Records energy measured over the UTC interval from <see cref="LastTicks"/> to <paramref name="utcTicks"/>,
        /// closing every period whose boundary the interval reaches. Energy is split between periods in
        /// proportion to time; <paramref name="flags"/> describe the whole interval and flag every period it touches.
        /// A time at or before <see cref="LastTicks"/> (after a backward clock step) puts all the energy in the open period.
        /// </summary>
        public void Record(long utcTicks, long importMicrowattHours, long exportMicrowattHours, PeriodFlags flags)
        {
            RequireStarted();
            if (importMicrowattHours < 0 || exportMicrowattHours < 0)
            {
                throw new ArgumentOutOfRangeException("importMicrowattHours", "energy recorded is never negative");
            }

            _open.Flags |= flags;
            if (utcTicks <= _lastTicks)
            {
                Add(importMicrowattHours, exportMicrowattHours);
                return;
            }

            long importLeft = importMicrowattHours;
            long exportLeft = exportMicrowattHours;
            long from = _lastTicks;
            while (utcTicks >= _open.EndTicks)
            {
                long boundary = _open.EndTicks;

                // Share of what is left that belongs before the boundary; dividing what is left (not the whole)
                // keeps the pieces summing exactly to the total.
                long span = utcTicks - from;
                long before = boundary - from;
                long importPart = WideMath.MultiplyDivide(importLeft, before, span);
                long exportPart = WideMath.MultiplyDivide(exportLeft, before, span);
                Add(importPart, exportPart);
                importLeft -= importPart;
                exportLeft -= exportPart;

                CloseAndOpenNext(flags);
                from = boundary;
            }

            Add(importLeft, exportLeft);
            _lastTicks = utcTicks;
        }

        /// <summary>Flags the open period (an event at this moment: calibration change, IC fault, ...).</summary>
        public void Flag(PeriodFlags flags)
        {
            RequireStarted();
            _open.Flags |= flags;
        }

        /// <summary>
        /// The clock was stepped so that it now reads <paramref name="newUtcTicks"/>. Forward: the periods
        /// skipped are closed with no energy. Backward: the open period stays open until the clock catches up.
        /// Every period touched is flagged <see cref="PeriodFlags.ClockAdjusted"/>.
        /// </summary>
        public void StepClock(long newUtcTicks)
        {
            RequireStarted();
            _open.Flags |= PeriodFlags.ClockAdjusted;
            if (newUtcTicks <= _lastTicks)
            {
                return;
            }

            while (newUtcTicks >= _open.EndTicks)
            {
                CloseAndOpenNext(PeriodFlags.ClockAdjusted);
            }

            _lastTicks = newUtcTicks;
        }

        /// <summary>
        /// Power came back at <paramref name="utcTicks"/> after a cut (call after <see cref="Restore"/>). The
        /// interrupted period and every period of the outage are closed flagged PowerLost and Partial with no
        /// further energy, and the period now open is flagged the same.
        /// </summary>
        public void PowerRestored(long utcTicks)
        {
            RequireStarted();
            PeriodFlags outage = PeriodFlags.PowerLost | PeriodFlags.Partial;
            _open.Flags |= outage;
            if (utcTicks <= _lastTicks)
            {
                return;
            }

            while (utcTicks >= _open.EndTicks)
            {
                CloseAndOpenNext(outage);
            }

            _lastTicks = utcTicks;
        }

        private void Add(long importMicrowattHours, long exportMicrowattHours)
        {
            _open.ImportEndMicrowattHours += importMicrowattHours;
            _open.ExportEndMicrowattHours += exportMicrowattHours;
        }

        private void CloseAndOpenNext(PeriodFlags flags)
        {
            HalfHourPeriod closed = _open;
            Open(closed.EndTicks, closed.ImportEndMicrowattHours, closed.ExportEndMicrowattHours, flags);
            _sink.OnPeriodClosed(closed);
        }

        private void Open(long startTicks, long importMicrowattHours, long exportMicrowattHours, PeriodFlags flags)
        {
            _open = new HalfHourPeriod();
            _open.StartTicks = startTicks;
            _open.ImportStartMicrowattHours = importMicrowattHours;
            _open.ImportEndMicrowattHours = importMicrowattHours;
            _open.ExportStartMicrowattHours = exportMicrowattHours;
            _open.ExportEndMicrowattHours = exportMicrowattHours;
            _open.Flags = flags;
        }

        private void RequireStarted()
        {
            if (!_started)
            {
                throw new InvalidOperationException("the ledger has not started");
            }
        }
    }
}
