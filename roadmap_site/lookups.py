"""``field__in=[...]`` on integer columns ignores numbers the column cannot hold.

Django already does this for ``exact``, ``gt`` and friends (``IntegerFieldOverflow``) but
not for ``in``: a posted id such as 10**30 reaches the database driver, which fails (a
server error) instead of matching nothing. Model choice fields in forms look ids up with
``pk__in``, so every form with a multiple choice would answer 500 to such a number.
"""

from django.core.exceptions import EmptyResultSet
from django.db.models import IntegerField
from django.db.models.lookups import In


@IntegerField.register_lookup
class IntegerFieldIn(In):
    def process_rhs(self, compiler, connection):
        if self.rhs_is_direct_value():
            low, high = connection.ops.integer_field_range(
                self.lhs.output_field.get_internal_type()
            )
            fitting = [
                value
                for value in self.rhs
                if not isinstance(value, int)
                or ((low is None or value >= low) and (high is None or value <= high))
            ]
            if not fitting:
                raise EmptyResultSet
            self.rhs = fitting
        return super().process_rhs(compiler, connection)
